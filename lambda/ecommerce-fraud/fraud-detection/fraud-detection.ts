/** Business rules of the FraudDetection context: pure functions, no AWS. */

/** What FraudDetection assesses: an OrderPlaced order or a CustomerRegistered customer. */
export interface RiskSubject {
  readonly orderId?: string;
  readonly customerId?: string;
  readonly email?: string;
  readonly total?: number;
}

/** The subject with the verdict: `suspicious` drives the workflow's Choice. */
export type RiskAssessment<T extends RiskSubject> = T & {
  readonly suspicious: boolean;
  readonly riskScore: number;
  readonly reasons: string[];
};

/** An order total from which an order is suspicious. */
export const HIGH_TOTAL = 1000;
/** The email domain of the example's known fraudsters. */
export const FRAUD_DOMAIN = 'fraud.example';

const HIGH_TOTAL_SCORE = 60;
const FRAUD_DOMAIN_SCORE = 80;

/** The lower-cased domain of an email address, or undefined when it has none. */
export function emailDomain(email: unknown): string | undefined {
  if (typeof email !== 'string') return undefined;
  const at = email.lastIndexOf('@');
  const domain =
    at >= 0
      ? email
          .slice(at + 1)
          .trim()
          .toLowerCase()
      : '';
  return domain === '' ? undefined : domain;
}

/**
 * Assess an order or a customer registration: suspicious when an order's total
 * is HIGH_TOTAL or more, or when the email domain is FRAUD_DOMAIN. The input is
 * passed through (orderId, customerId) with the verdict, a score (0-100) and
 * the reasons.
 */
export function assessRisk<T extends RiskSubject>(subject: T): RiskAssessment<T> {
  const reasons: string[] = [];
  let riskScore = 0;
  if (typeof subject.total === 'number' && subject.total >= HIGH_TOTAL) {
    reasons.push(`order total of ${HIGH_TOTAL} or more`);
    riskScore += HIGH_TOTAL_SCORE;
  }
  if (emailDomain(subject.email) === FRAUD_DOMAIN) {
    reasons.push(
      subject.orderId === undefined
        ? `customer registered with email domain ${FRAUD_DOMAIN}`
        : `email domain ${FRAUD_DOMAIN}`,
    );
    riskScore += FRAUD_DOMAIN_SCORE;
  }
  return {
    ...subject,
    suspicious: reasons.length > 0,
    riskScore: Math.min(riskScore, 100),
    reasons,
  };
}
