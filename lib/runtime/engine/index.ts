export { runStateMachine } from './run-state-machine';
export type { RunStateMachineOptions } from './run-state-machine';
export { StateMachineEngine, Execution, integrationKey } from './state-machine-engine';
export type { StateMachineEngineOptions, StartOptions } from './state-machine-engine';
export { StatesError, StatesErrors } from './errors';
export type {
  EngineClock,
  EngineTransition,
  ExecutionResult,
  GraphDefinition,
  QueryLanguage,
  StateDefinition,
  TaskHandler,
  TaskRequest,
} from './types';
