import { ValidationError } from '../../checks/validation-error';
import { validateUserStateName } from './validate';

/**
 * The state names of one workflow: Step Functions wants them unique and 1 to
 * 80 characters long, and the names the library builds must not be taken.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 */
export class StateNames {
  private readonly names = new Set<string>();

  constructor(
    private readonly path: string,
    private readonly contextName: string,
  ) {}

  /** Claim a name the user gave a state: it may not look like one the library builds. */
  public claimUser(name: string, property: string): void {
    validateUserStateName(this.path, property, name);
    this.claim(name, property);
  }

  /** Claim a state name, or fail naming the property that gave it. */
  public claim(name: string, property: string): void {
    if (name.length === 0 || name.length > 80) {
      throw new ValidationError(
        this.path,
        property,
        name,
        'State names are 1 to 80 characters long.',
      );
    }
    if (this.names.has(name)) {
      throw new ValidationError(
        this.path,
        property,
        name,
        `Two states of the ${this.contextName} workflow would share this name; give each step a distinct name.`,
      );
    }
    this.names.add(name);
  }

  /** `Publish <Event>`, or `Publish <Event> (<Task>)` when several states publish the event. */
  public publishName(eventName: string, aboutState: string): string {
    const plain = `Publish ${eventName}`;
    return this.names.has(plain) ? `${plain} (${aboutState})` : plain;
  }
}
