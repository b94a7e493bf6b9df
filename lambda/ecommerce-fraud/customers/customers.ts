/** Business rules of the Customers context: pure functions, no AWS. */

export interface CustomerRequest {
  readonly customerId?: string;
  readonly email: string;
  readonly name: string;
}

export interface Customer {
  readonly customerId: string;
  readonly email: string;
  readonly name: string;
  readonly registeredAt?: string;
}

/** A registration that can never succeed: not worth a retry. */
export class InvalidCustomerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCustomer';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether `email` looks like an address: something, `@`, a dotted domain. */
export function isEmail(email: unknown): email is string {
  return typeof email === 'string' && EMAIL.test(email.trim());
}

/** Check a registration and return the customer, with a new id only when it has none. */
export function registerCustomer(
  request: CustomerRequest,
  newId: () => string,
  registeredAt?: string,
): Customer {
  if (!isEmail(request.email)) throw new InvalidCustomerError('a valid email is required');
  if (typeof request.name !== 'string' || request.name.trim() === '') {
    throw new InvalidCustomerError('name is required');
  }
  return {
    customerId: request.customerId || newId(),
    email: request.email.trim().toLowerCase(),
    name: request.name.trim(),
    ...(registeredAt ? { registeredAt } : {}),
  };
}
