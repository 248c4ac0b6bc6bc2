import { SELLER_ROLES } from '../../access/people/seller-roles';
import type { MailFailureCode } from '../../platform/mail/mailer';
import type { CreatedInvitation, InvitationView, SellerUserView } from '../../access/people/seller-users.service';
import type { PageContext } from '../page-context';
import { Csrf } from './form-parts';
import { Layout } from './layout';

function RoleSelect({ id, value }: { id: string; value?: string }) {
  return (
    <select id={id} name="role">
      {SELLER_ROLES.map((r) => (
        <option key={r} value={r} selected={r === value}>
          {r}
        </option>
      ))}
    </select>
  );
}

/** The tenant's console users and invitations; invite with a role, change a role, revoke an invitation. */
export function UsersPage(props: {
  ctx: PageContext;
  users: SellerUserView[];
  invitations: InvitationView[];
  /** Whether the link can also go out by email (an SMTP relay is configured). */
  emailEnabled: boolean;
}) {
  const { ctx } = props;
  return (
    <Layout title="Users" ctx={ctx}>
      <h1>Users and invitations</h1>
      <section class="panel" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite someone</h2>
        <form
          method="post"
          action="/console/users/invitations"
          hx-post="/console/users/invitations"
          hx-target="#invitation-result"
        >
          <Csrf ctx={ctx} />
          <div class="field">
            <label for="invite-role">Role</label>
            <RoleSelect id="invite-role" value="member" />
          </div>
          {props.emailEnabled ? (
            <div class="field">
              <label for="invite-email">Email address (optional)</label>
              <input
                id="invite-email"
                name="email"
                type="email"
                maxLength={254}
                autocomplete="off"
                aria-describedby="invite-email-hint"
              />
              <span class="hint" id="invite-email-hint">
                The link is also sent there; the address is kept nowhere.
              </span>
            </div>
          ) : null}
          <button type="submit">Create invitation link</button>
        </form>
        <div id="invitation-result" aria-live="polite" />
        <p class="hint">
          owner: everything, including owners; admin: everything but owners; member: orders (with reveal), marketplace
          accounts, webhook endpoints, access log; viewer: masked orders, endpoints and access log only.
        </p>
      </section>
      <h2>Users</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Login</th>
            <th scope="col">Role</th>
            <th scope="col">Last sign-in</th>
            <th scope="col">Locked</th>
            <th scope="col">Change role</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr key={u.accountId}>
              <td>{u.login}</td>
              <td>{u.role}</td>
              <td>{u.lastSignInAt ?? 'never'}</td>
              <td>{u.locked ? 'yes' : 'no'}</td>
              <td>
                <form method="post" action={`/console/users/${u.accountId}/role`} class="actions">
                  <Csrf ctx={ctx} />
                  <label class="visually-hidden" for={`role-${u.accountId}`}>
                    Role of {u.login}
                  </label>
                  <RoleSelect id={`role-${u.accountId}`} value={u.role} />
                  <button type="submit" class="secondary">
                    Change
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.users.length ? null : <p>No users yet.</p>}
      <h2>Invitations</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">By</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {props.invitations.map((i) => (
            <tr key={i.invitationId}>
              <td>{i.role}</td>
              <td>{i.state}</td>
              <td>{i.createdAt}</td>
              <td>{i.expiresAt}</td>
              <td>{i.createdBy}</td>
              <td>
                {i.state === 'pending' ? (
                  <form method="post" action={`/console/users/invitations/${i.invitationId}/revoke`}>
                    <Csrf ctx={ctx} />
                    <button type="submit" class="secondary">
                      Revoke
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.invitations.length ? null : <p>No invitations yet.</p>}
    </Layout>
  );
}

/** The new link, shown this once. */
export function InvitationCreated({ invitation }: { invitation: CreatedInvitation }) {
  return (
    <div class="notice" role="status">
      <p>
        Invitation for a <strong>{invitation.role}</strong>, valid until {invitation.expiresAt}. Send this link to the
        person now: it is shown once and cannot be shown again.
      </p>
      {invitation.email ? <EmailOutcome email={invitation.email} /> : null}
      <p>
        <code class="secret">{invitation.link}</code>
      </p>
    </div>
  );
}

const MAIL_PROBLEMS: Record<MailFailureCode, string> = {
  not_configured: 'this server sends no email',
  tls_required: 'the mail relay offered no encryption, so nothing was sent',
  untrusted_certificate: "the mail relay's certificate could not be verified, so nothing was sent",
  auth: 'the mail relay refused our credentials',
  rejected: 'the mail relay refused the address',
  unreachable: 'the mail relay could not be reached in time',
  failed: 'the mail relay did not take it',
};

function EmailOutcome({ email }: { email: NonNullable<CreatedInvitation['email']> }) {
  return email.sent ? (
    <p>It was also sent by email to the address you gave.</p>
  ) : (
    <p class="error" role="alert">
      The email was not sent ({MAIL_PROBLEMS[email.problem ?? 'failed']}): send the link yourself.
    </p>
  );
}

export function InvitationCreatedPage({ ctx, invitation }: { ctx: PageContext; invitation: CreatedInvitation }) {
  return (
    <Layout title="Invitation created" ctx={ctx}>
      <h1>Invitation created</h1>
      <InvitationCreated invitation={invitation} />
      <p>
        <a href="/console/users">Back to users</a>
      </p>
    </Layout>
  );
}
