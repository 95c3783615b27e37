// The OpenID provider that the single sign-on tests sign in through: oidc-provider (a certified
// OpenID Connect implementation) on 127.0.0.1, with test clients, test accounts and its own login
// page. Started by tests/oidc/provider.py; prints one JSON line {"issuer": ...} once it listens.
//
//   node provider.mjs [port]      (port 0 or none: any free port)
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const PASSWORD = 'provider password';

// Provider accounts. `sub` is the stable subject; the other claims are what the provider says.
const ACCOUNTS = [
  { sub: 'sub-0001-asha', preferred_username: 'asha.k', name: 'Asha Karki', email: 'asha@example.org', email_verified: true },
  { sub: 'sub-0002-bruno', preferred_username: 'bruno.m', name: 'Bruno Martin', email: 'bruno@example.org', email_verified: true },
  { sub: 'sub-0003-carla', preferred_username: 'carla.d', name: 'Carla Dias', email: 'carla@example.org', email_verified: true },
  { sub: 'sub-0004-dina', preferred_username: 'dina.o', name: 'Dina Okafor', email: 'dina@example.org', email_verified: false },
  { sub: 'sub-0005-emil', preferred_username: 'emil.s', name: 'Emil Sato', email: 'emil@example.org', email_verified: true },
];

// Redirect URIs on 127.0.0.1 match whatever port the app under test listens on.
const CALLBACKS = ['https://trainer.example.org/login/sso/callback', `http://${HOST}/login/sso/callback`];
const AFTER_LOGOUT = ['https://trainer.example.org/login', `http://${HOST}/login`];

function client(clientId, secret) {
  return {
    client_id: clientId,
    client_secret: secret,
    client_name: clientId,
    redirect_uris: CALLBACKS,
    post_logout_redirect_uris: AFTER_LOGOUT,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function loginForm(uid, clientId, error = '') {
  return page('Test identity provider', `
<p>Sign in to continue to <strong>${escape(clientId)}</strong>.</p>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
  <p><label for="username">Username</label> <input id="username" name="username" autocomplete="username" required></p>
  <p><label for="password">Password</label> <input id="password" name="password" type="password" required></p>
  <p><button type="submit">Log in</button> <a href="/interaction/${escape(uid)}/abort">Cancel</a></p>
</form>`);
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const configuration = {
  clients: [
    client('trainer', 'trainer client secret'),
    client('other-app', 'other client secret'),
    client('trainer-brief', 'brief client secret'),
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID()] },
  pkce: { required: () => true },
  responseTypes: ['code'],
  scopes: ['openid', 'profile', 'email'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out of the test identity provider?',
          `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Signed out', '<p>You are signed out of the test identity provider.</p>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The test clients are first-party: consent is implied, only the login prompt is shown.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
  findAccount: async (ctx, sub) => {
    const account = ACCOUNTS.find((a) => a.sub === sub);
    if (!account) {
      return undefined;
    }
    return { accountId: sub, claims: async () => ({ ...account }) };
  },
  ttl: {
    // trainer-brief's ID tokens expire one second after they are issued (the expiry test's client).
    IdToken: (ctx, token, forClient) => (forClient?.clientId === 'trainer-brief' ? 1 : 3600),
    AccessToken: 600,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('The test identity provider refused the request',
      Object.entries(out).map(([k, v]) => `<p><strong>${escape(k)}</strong>: ${escape(v)}</p>`).join(''));
  },
};

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
    if (chunks.reduce((n, c) => n + c.length, 0) > 10_000) {
      throw new Error('form too large');
    }
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET' && req.url.endsWith('/abort')) {
    const result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  const clientId = details.params.client_id;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  if (details.prompt.name !== 'login') {
    res.statusCode = 501;
    res.end(page('Not implemented', `<p>Prompt ${escape(details.prompt.name)}</p>`));
    return;
  }
  if (req.method === 'GET') {
    res.end(loginForm(details.uid, clientId));
    return;
  }
  const form = await readForm(req);
  const account = ACCOUNTS.find((a) => a.preferred_username === form.get('username'));
  if (!account || form.get('password') !== PASSWORD) {
    res.statusCode = 401;
    res.end(loginForm(details.uid, clientId, 'Unknown username or wrong password.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

const server = createServer();
server.listen(Number(process.argv[2] || 0), HOST, () => {
  const issuer = `http://${HOST}:${server.address().port}`;
  const provider = new Provider(issuer, configuration);

  // Registered loopback URIs (http://127.0.0.1/path) match any port the app under test takes.
  const loopback = new RegExp(`^http://${HOST.replace(/\./g, '\\.')}:\\d+/`);
  for (const method of ['redirectUriAllowed', 'postLogoutRedirectUriAllowed']) {
    const original = provider.Client.prototype[method];
    provider.Client.prototype[method] = function allowed(value) {
      return original.call(this, value) || original.call(this, String(value).replace(loopback, `http://${HOST}/`));
    };
  }

  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((error) => {
        res.statusCode = 400;
        res.end(page('Interaction failed', `<p>${escape(error.message)}</p>`));
      });
      return;
    }
    handle(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
