import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one Powertools logger of a handler bundle.
 *
 * Its service name comes from `POWERTOOLS_SERVICE_NAME` (the context name),
 * set on every task handler by `BoundedContext`.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/
 */
export const logger = new Logger();
