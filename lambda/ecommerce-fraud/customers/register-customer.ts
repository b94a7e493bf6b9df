import { randomUUID } from 'node:crypto';
import { taskHandler } from '../../runtime';
import { CustomerRequest, registerCustomer } from './customers';

/** Customers ▸ RegisterCustomer: validates and records a new customer. Emits CustomerRegistered. */
export const handler = taskHandler((request: CustomerRequest) =>
  registerCustomer(request, randomUUID, new Date().toISOString()),
);
