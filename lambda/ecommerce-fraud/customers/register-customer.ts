import { randomUUID } from 'node:crypto';
import { EventData, taskHandler } from '../../runtime';
import type { CustomersEvents } from '../events';
import { CustomerRequest, registerCustomer } from './customers';

/** Customers ▸ RegisterCustomer: validates and records a new customer. Emits CustomerRegistered. */
export const handler = taskHandler<
  CustomerRequest,
  EventData<CustomersEvents, 'CustomerRegistered'>
>((request: CustomerRequest) => registerCustomer(request, randomUUID, new Date().toISOString()));
