import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sign-in audit gets a result and a stable reason code instead of one free-form outcome, the
 * provider (OIDC provider, LDAP, node) and the user agent; old rows are translated.
 */
export class LoginAuditReasons1765040000000 implements MigrationInterface {
  name = 'LoginAuditReasons1765040000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE login_audit
      ADD COLUMN provider text,
      ADD COLUMN result text,
      ADD COLUMN reason text,
      ADD COLUMN user_agent text`);
    await q.query(`UPDATE login_audit SET
      result = CASE outcome
        WHEN 'success' THEN 'success'
        WHEN 'totp_replaced' THEN 'success'
        WHEN 'password_ok' THEN 'partial'
        ELSE 'failure' END,
      reason = CASE outcome
        WHEN 'success' THEN NULL
        WHEN 'totp_replaced' THEN 'totp_replaced'
        WHEN 'password_ok' THEN 'second_factor_required'
        WHEN 'bad_credentials' THEN 'bad_password'
        WHEN 'bad_code' THEN CASE method WHEN 'recovery_code' THEN 'recovery_code_invalid' ELSE 'totp_invalid' END
        ELSE outcome END`);
    await q.query(`ALTER TABLE login_audit
      ALTER COLUMN result SET NOT NULL,
      ADD CONSTRAINT login_audit_result CHECK (result IN ('success', 'partial', 'failure')),
      ADD CONSTRAINT login_audit_reason CHECK (result <> 'failure' OR reason IS NOT NULL),
      DROP COLUMN outcome`);
    await q.query(`CREATE INDEX login_audit_account ON login_audit (account_id, id)`);
    await q.query(`CREATE INDEX login_audit_reason_id ON login_audit (reason, id) WHERE reason IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX login_audit_reason_id`);
    await q.query(`DROP INDEX login_audit_account`);
    await q.query(`ALTER TABLE login_audit ADD COLUMN outcome text`);
    await q.query(`UPDATE login_audit SET outcome = CASE
        WHEN result = 'success' AND reason IS NULL THEN 'success'
        WHEN result = 'partial' THEN 'password_ok'
        ELSE reason END`);
    await q.query(`ALTER TABLE login_audit
      ALTER COLUMN outcome SET NOT NULL,
      DROP CONSTRAINT login_audit_reason,
      DROP CONSTRAINT login_audit_result,
      DROP COLUMN provider,
      DROP COLUMN result,
      DROP COLUMN reason,
      DROP COLUMN user_agent`);
  }
}
