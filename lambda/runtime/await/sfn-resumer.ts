import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { AwaitOutput, ResumePort } from './broker';

/** Errors that mean the execution no longer waits for this token. */
const GONE = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Resumes executions with `SendTaskSuccess`. */
export class SfnResumer implements ResumePort {
  constructor(private readonly client: SFNClient = new SFNClient({})) {}

  public async resume(token: string, output: AwaitOutput): Promise<'resumed' | 'gone'> {
    try {
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }),
      );
      return 'resumed';
    } catch (error) {
      if (GONE.has((error as Error).name)) return 'gone';
      throw error;
    }
  }
}
