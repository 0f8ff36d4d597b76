/**
 * @chit/demo: the agent demo as a library (entry point `main.ts`), used by its tests.
 */
export { buildOrdersApp, type Order, type OrdersAppOptions, seedOrders } from './orders.js';
export {
  approveViaApi,
  type DemoResult,
  type Expected,
  pendingApproval,
  runScenario,
  type ScenarioOptions,
  type StepResult,
} from './scenario.js';
export { type DemoStack, freeLoopbackPort, startDemoStack } from './stack.js';
export { type DemoTools, demoTools } from './tools.js';
