// Checks on arguments that arrive from the renderer (untrusted: a compromised page must not
// reach the engine with malformed data). Main process; Node only.
import { AppError } from '../../../shared/errors';

/** The value as a non-empty string, else INVALID_ARGUMENT naming the field. */
export function expectString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) throw new AppError('INVALID_ARGUMENT', `${field} must be a non-empty string`);
  return value;
}

/** The value as a plain object, else INVALID_ARGUMENT. */
export function expectObject(value: unknown, field: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AppError('INVALID_ARGUMENT', `${field} must be an object`);
  return value as Record<string, unknown>;
}

/** The value as an array of non-empty strings. */
export function expectStringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new AppError('INVALID_ARGUMENT', `${field} must be a list of strings`);
  return value.map((v, i) => expectString(v, `${field}[${i}]`));
}

/** The value as one of the choices. */
export function expectOneOf<T extends string>(value: unknown, choices: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new AppError('INVALID_ARGUMENT', `${field} must be one of ${choices.join(', ')}`);
  }
  return value as T;
}

/** The value as true or false. */
export function expectBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new AppError('INVALID_ARGUMENT', `${field} must be true or false`);
  return value;
}
