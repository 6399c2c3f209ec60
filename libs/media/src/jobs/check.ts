import { MediaError } from '../errors.js';

/** Collects schema problems as `field: problem` lines, so one refusal names every bad field. */
export class SchemaCheck {
  readonly problems: string[] = [];
  /** The same problems by field, for answers that point at each field (a settings form). */
  readonly issues: Array<{ readonly field: string; readonly problem: string }> = [];

  constructor(private readonly what: string) {}

  /** Records a problem with `field`. */
  fail(field: string, problem: string): void {
    this.problems.push(`${field}: ${problem}`);
    this.issues.push({ field, problem });
  }

  /** `value` as a plain object, or a problem and undefined. */
  object(field: string, value: unknown): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    this.fail(field, 'must be an object');
    return undefined;
  }

  /** Records every key of `value` outside `allowed` (unknown fields are refused, not ignored). */
  onlyKeys(field: string, value: Record<string, unknown>, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.fail(field ? `${field}.${key}` : key, 'is not a known field');
  }

  /** `value` as a string matching `pattern`, or a problem and undefined. */
  string(field: string, value: unknown, pattern?: RegExp, hint = 'has the wrong form'): string | undefined {
    if (typeof value !== 'string') return this.failed(field, 'must be a string');
    if (pattern && !pattern.test(value)) return this.failed(field, hint);
    return value;
  }

  /** `value` as an integer in [min, max], or a problem and undefined. */
  integer(field: string, value: unknown, min: number, max: number): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return this.failed(field, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  /** `value` as one of `options`, or a problem and undefined. */
  oneOf<T extends string>(field: string, value: unknown, options: readonly T[]): T | undefined {
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    return this.failed(field, `must be one of ${options.join(', ')}`);
  }

  /** Throws `invalid_payload` listing every problem, if there is any. */
  done(): void {
    if (this.problems.length > 0) throw new MediaError('invalid_payload', `invalid ${this.what}: ${this.problems.join('; ')}`);
  }

  private failed(field: string, problem: string): undefined {
    this.fail(field, problem);
    return undefined;
  }
}
