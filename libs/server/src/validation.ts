import { ValidateBy } from 'class-validator';

/** Postgres text holds no NUL byte, so a value with one names nothing (and must not reach a query). */
export function storable(value: string): boolean {
  return !value.includes('\u0000');
}

/** Text that reaches Postgres: a NUL byte in it is bad input (400), not a server error. */
export const NoNulBytes = () =>
  ValidateBy({
    name: 'noNulBytes',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || storable(value),
      defaultMessage: () => '$property may not contain a NUL byte',
    },
  });
