// js-macaroon ships no types; the interop test narrows what it uses to its own interface.
declare module 'macaroon';
