import type { InvitationPreview, PendingEnrolment } from '../../access/people/seller-users.service';
import type { PageContext } from '../page-context';
import { Layout } from './layout';

const NO_ONE: PageContext = { principal: null, session: null, actingTenantId: null, actingTenantName: null };

function Problem({ error }: { error?: string }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Step 1: the invitee chooses a login and a password. */
export function AcceptInvitationPage(props: { token: string; preview: InvitationPreview; error?: string }) {
  return (
    <Layout title="Accept invitation" ctx={NO_ONE}>
      <h1>Join ordervault</h1>
      <div class="narrow">
        <p>
          You are invited as <strong>{props.preview.role}</strong> of seller {props.preview.tenantId}. The invitation is
          valid until {props.preview.expiresAt}.
        </p>
        <Problem error={props.error} />
        <form method="post" action={`/console/invitations/${props.token}`} class="panel">
          <div class="field">
            <label for="login">Choose a login</label>
            <input id="login" name="login" autocomplete="username" required maxLength={100} />
          </div>
          <div class="field">
            <label for="password">Choose a password</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="new-password"
              required
              minLength={12}
              maxLength={256}
              aria-describedby="password-hint"
            />
            <span class="hint" id="password-hint">
              12 to 256 characters.
            </span>
          </div>
          <button type="submit">Continue</button>
        </form>
      </div>
    </Layout>
  );
}

/** Step 2: the TOTP secret, shown once, and a code to prove the authenticator app has it. */
export function ConfirmInvitationPage(props: { token: string; pending: PendingEnrolment | null; error?: string }) {
  const uri = props.pending?.otpauthUri;
  const secret = uri ? (new URL(uri).searchParams.get('secret') ?? '') : null;
  return (
    <Layout title="Set up your authenticator" ctx={NO_ONE}>
      <h1>Set up your authenticator app</h1>
      <div class="narrow">
        {uri && secret ? (
          <>
            <p>
              Add this account to an authenticator app, by its link or by typing the key. It is shown on this page only.
            </p>
            <p>
              <a href={uri}>Open in authenticator app</a>
            </p>
            <p>
              Key: <code class="secret">{secret}</code>
            </p>
          </>
        ) : (
          <p>
            Lost the key? <a href={`/console/invitations/${props.token}`}>Start again</a> to get a new one.
          </p>
        )}
        <Problem error={props.error} />
        <form method="post" action={`/console/invitations/${props.token}/confirm`} class="panel">
          <div class="field">
            <label for="code">Code from your authenticator app</label>
            <input
              id="code"
              name="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9 ]{6,8}"
              required
              maxLength={8}
            />
          </div>
          <button type="submit">Confirm and finish</button>
        </form>
      </div>
    </Layout>
  );
}
