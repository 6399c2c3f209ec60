/**
 * TypeORM's Postgres `query()` answers an UPDATE or DELETE with `[rows, rowCount]` and anything
 * else with the rows; these read either shape.
 */
export function returnedRows<T>(result: unknown): T[] {
  const value = result as unknown[];
  return (Array.isArray(value[0]) && typeof value[1] === 'number' ? value[0] : value) as T[];
}

export function affectedCount(result: unknown): number {
  const value = result as unknown[];
  return typeof value[1] === 'number' ? value[1] : 0;
}
