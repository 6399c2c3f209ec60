import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

interface PgPool {
  query(config: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/**
 * Named prepared statements on the data source's own pool, for the few queries the issuer runs on
 * every request: Postgres parses and plans each once per connection instead of every time.
 * Never inside a transaction (those go through an EntityManager).
 */
@Injectable()
export class PreparedQueries {
  constructor(private readonly ds: DataSource) {}

  private get pool(): PgPool {
    return (this.ds.driver as unknown as { master: PgPool }).master;
  }

  async rows<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query({ name, text, values })).rows as T[];
  }

  async count(name: string, text: string, values: unknown[]): Promise<number> {
    return (await this.pool.query({ name, text, values })).rowCount ?? 0;
  }
}
