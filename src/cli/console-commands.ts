import type { INestApplicationContext } from '@nestjs/common';
import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { PersonEnrolmentService, type Enrolment } from '../access/people/person-enrolment.service';
import { SellerUsersService } from '../access/people/seller-users.service';
import { SELLER_ROLES } from '../access/people/seller-roles';
import { cliActor } from '../auth';
import type { AppConfig } from '../config';
import { TenantsService } from '../tenants';
import { withAppContext } from './app-context';
import { emit, UsageError } from './output';

export interface EnrolOptions {
  staff: string;
  login: string;
  passwordFile?: string;
  passwordStdin?: boolean;
}

/** Secrets come from a file or stdin, never argv (argv is visible to every local user). */
export async function enrolStaff(
  app: INestApplicationContext,
  o: EnrolOptions,
  stdin: () => Promise<string>,
): Promise<Enrolment> {
  let password: string;
  if (o.passwordFile) password = readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '');
  else if (o.passwordStdin) password = (await stdin()).replace(/\r?\n$/, '');
  else throw new UsageError('give the password with --password-file <path> or --password-stdin');
  return app
    .get(PersonEnrolmentService)
    .enrolStaff(cliActor('console enrol'), { staffId: o.staff, login: o.login, password });
}

/**
 * `ordervault console …`:
 *   enrol --staff ID --login LOGIN (--password-file F | --password-stdin)
 *     sets a staff member's console sign-in: login, password and a new TOTP
 *     secret, printed once as an otpauth:// URI for an authenticator app.
 *     Enrolling again replaces them, unlocks the account and ends its sessions.
 *   invite --tenant T --role owner|admin|member|viewer
 *     an invitation link for a seller's user (the first owner's, typically),
 *     printed once; valid 72 hours, one use.
 */
export function registerConsoleCommands(
  program: Command,
  loadConfig: () => AppConfig,
  stdin: () => Promise<string>,
): void {
  const group = program.command('console').description('people who sign in to the browser console');
  group
    .command('enrol')
    .description("set a staff member's console login, password and TOTP secret (the secret is printed once)")
    .requiredOption('--staff <id>', 'staff member id')
    .requiredOption('--login <login>', 'what they type to sign in (3-100 characters: letters, digits, . _ @ + -)')
    .option('--password-file <path>', 'file holding the password (12-256 characters)')
    .option('--password-stdin', 'read the password from standard input')
    .addOption(new Option('--json', 'machine-readable output'))
    .action(async (o: EnrolOptions & { json?: boolean }) => {
      const enrolment = await withAppContext(loadConfig(), (app) => enrolStaff(app, o, stdin));
      emit(!!o.json, enrolment, () =>
        [
          `enrolled ${enrolment.login} for staff member ${enrolment.staffId} (account ${enrolment.accountId})`,
          'Add this to an authenticator app now (it is shown once; enrolling again replaces it):',
          enrolment.otpauthUri,
        ].join('\n'),
      );
    });
  group
    .command('invite')
    .description("an invitation link for a seller's user (printed once; valid 72 hours, one use)")
    .requiredOption('--tenant <id>', 'tenant id')
    .addOption(new Option('--role <role>', 'the role the person gets').choices([...SELLER_ROLES]).makeOptionMandatory())
    .option('--email <address>', 'also send the link to this address (needs SMTP_URL; the address is kept nowhere)')
    .addOption(new Option('--json', 'machine-readable output'))
    .action(async (o: { tenant: string; role: string; email?: string; json?: boolean }) => {
      const invitation = await withAppContext(loadConfig(), async (app) => {
        const tenants = app.get(TenantsService);
        await tenants.requireTenant(o.tenant);
        return app.get(SellerUsersService).invite(cliActor('console invite'), o.tenant.toLowerCase(), o.role, o.email);
      });
      emit(!!o.json, invitation, () =>
        [
          `invitation ${invitation.invitationId}: ${invitation.role} of tenant ${invitation.tenantId}, valid until ${invitation.expiresAt}`,
          ...(invitation.email
            ? [
                invitation.email.sent
                  ? 'It was also sent by email. Here it is once as well:'
                  : `The email was NOT sent (${invitation.email.problem}): send this link to the person yourself (shown once):`,
              ]
            : ['Send this link to the person (it is shown once):']),
          invitation.link,
        ].join('\n'),
      );
    });
}
