import { taskHandler } from '../../runtime';
import { assessRisk, RiskSubject } from './fraud-detection';

/** FraudDetection ▸ AssessRisk: scores an order or a new customer. Emits PossibleFraud or NoFraudDetected. */
export const handler = taskHandler((subject: RiskSubject) => assessRisk(subject));
