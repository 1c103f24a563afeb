"""pii-logging (JS/TS): the rule's examples, run by the shared harness."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid

VALID = (
    # A string literal is a message, not data.
    Valid('console.log("email sent");\nlogger.info(`password reset link sent`);\n', "example.js"),
    # Things about the data are not the data.
    Valid(
        "export function f(user: User) {\n"
        "  console.log(emailCount, isEmailVerified, hasPassword, tokenCount, addressId);\n"
        "  logger.info({ userId: user.id, verified: user.emailVerified }, 'login');\n"
        "  console.debug(user.email.length, tokenType, setEmail, passwordInput);\n"
        "}\n",
        "example.ts",
    ),
    # Another call's result hides the value; a class is not a record.
    Valid("console.log(mask(user.email), hash(password), User);\n", "example.js"),
    # Not a logging call: Math.log, a method named log, a toast, a shadowed console.
    Valid("Math.log(x);\nthis.log(email);\ntoast.error(user.email);\n", "example.js"),
    Valid("function f(console) {\n  console.log(user.email);\n}\n", "example.js"),
    # Test files, the allowed globs and the ignored names are not checked.
    Valid("console.log(user.email);\n", "src/signup.test.ts"),
    Valid("console.log(user.email);\n", "scripts/seed.js", options={"allow": ("scripts/",)}),
    Valid("console.log(token);\n", "example.js", options={"ignore-names": ("token",)}),
    # Seeds, fixtures, stories and test folders hold made-up data; masked values.
    Valid("console.log(jwtToken, req.body);\n", "test-int/bot.js"),
    Valid("console.log('client ' + maskedclient_email);\n", "example.js"),
    # `ignore-names` reaches a request's attributes too.
    Valid("logger.debug(req.body);\n", "example.js", options={"ignore-names": ("body",)}),
    Valid("console.log(`Owner: ${owner.email}`);\n", "packages/prisma/seed/users.ts"),
    Valid("console.log(user);\n", "src/Profile.stories.tsx"),
    # A flag named after an action; a job's or a message's payload (ids, settings).
    Valid("logger.info({ sendEmailToOwner, payload }, 'queued');\n", "example.ts"),
    # A stream or page position is not a credential.
    Valid("console.log(nextToken, sinceToken, currentToken);\n", "example.js"),
    # The outcome of an operation on the data: an e-mail API's response, a job.
    Valid("console.log(`sent: ${JSON.stringify(emailRes)}`, tokenResponse, emailJob);\n", "a.js"),
    # A bare token is as often a stream position or a public key; a credential's is data.
    Valid("console.log(token, ctx.channel.token, nextToken);\n", "example.js"),
    # Configuration's addresses are the organisation's; constants; a value keyed as an id.
    Valid(
        "console.warn(`Invalid ${env.CRM_EMAIL}`, process.env.SUPPORT_PHONE, API_KEY_MISSING);\n"
        "logger.info('x', { customerId: subscription.customer, userCount: users });\n",
        "example.js",
    ),
    # A CLI's profile; an attribute that is as often the record's id (Stripe, Slack).
    Valid("console.log(profile, subscription.customer, event.user);\n", "example.js"),
    # Ambiguous alone: a device's IP, a stream's session, a module's full name.
    Valid("console.log(device.ip, ipAddress, sessionId, plugin.fullName);\n", "example.js"),
)

INVALID = (
    # Arguments keep their places, filled by the marker; the id stays.
    Invalid(
        'console.log("User:", user.email, user.id);\n',
        fixed='console.log("User:", "[redacted: email]", user.id);\n',
        path="example.js",
        line=1,
        column=1,
    ),
    # A template literal: the marker is text.
    Invalid(
        "import { logger } from '@/lib/logger';\n\n"
        "export function book(user: User, booking: Booking) {\n"
        "  logger.info(`Booking for ${user.email} created, id ${booking.id}`);\n}\n",
        fixed="import { logger } from '@/lib/logger';\n\n"
        "export function book(user: User, booking: Booking) {\n"
        "  logger.info(`Booking for [redacted: email] created, id ${booking.id}`);\n}\n",
        path="example.ts",
        line=4,
        column=3,
    ),
    # Object literals: shorthand, by key, spreads; structured loggers.
    Invalid(
        "console.log({ email, phone, id });\nlogger.info({ ...user, id }, 'signup');\n"
        "log.warn({ email: value, user_id: uid, ip: req.ip }, 'retry');\n",
        fixed="console.log({ email: '[redacted: email]', phone: '[redacted: phone]', id });\n"
        "logger.info({ user: '[redacted: user]', id }, 'signup');\n"
        "log.warn({ email: '[redacted: email]', user_id: uid, ip: '[redacted: ip address]' }, "
        "'retry');\n",
        path="example.js",
        count=3,
    ),
    # Whole records and requests: the argument becomes the marker.
    Invalid(
        "console.log(user);\nconsole.log(req.body, req);\nconsole.dir(formData);\n",
        fixed='console.log("[redacted: user]");\n'
        'console.log("[redacted: request data]", "[redacted: request]");\n'
        'console.dir("[redacted: form]");\n',
        path="example.js",
        count=3,
    ),
    # Every category.
    Invalid(
        "console.error('Payment failed', customerName, billingAddress, cardNumber, cvc, iban);\n"
        "console.warn('who', firstName, lastName, dateOfBirth, ssn, taxId, user.name);\n"
        "console.info('auth', password, accessToken, process.env.STRIPE_SECRET_KEY, apiKey);\n"
        "console.debug('net', req.ip, req.cookies, document.cookie, customerPhone);\n",
        fixed="console.error('Payment failed', '[redacted: name]', '[redacted: address]', "
        "'[redacted: card]', '[redacted: card]', '[redacted: bank account]');\n"
        "console.warn('who', '[redacted: name]', '[redacted: name]', '[redacted: birth date]', "
        "'[redacted: national id]', '[redacted: national id]', '[redacted: name]');\n"
        "console.info('auth', '[redacted: password]', '[redacted: token]', "
        "'[redacted: secret]', '[redacted: api key]');\n"
        "console.debug('net', '[redacted: ip address]', '[redacted: session]', "
        "'[redacted: session]', '[redacted: phone]');\n",
        path="example.js",
        count=4,
    ),
    # A credential's token, by its qualifier or its owner.
    Invalid(
        "console.log(invite.token, resetToken, session.token);\n",
        fixed='console.log("[redacted: token]", "[redacted: token]", "[redacted: token]");\n',
        path="example.js",
    ),
    # Keys, getters, request bodies and re-spelled values.
    Invalid(
        "export async function POST(request: Request) {\n"
        "  console.log(headers.get('authorization'), localStorage.getItem('accessToken'));\n"
        "  console.log(data['e-mail'], user.getEmail(), user!.email as string);\n"
        "  console.log(await request.json(), email.toLowerCase(), JSON.stringify(userProfile));\n"
        "  console.log(user.email || 'none', 'Hi ' + firstName, [phone, 1]);\n"
        "}\n",
        fixed="export async function POST(request: Request) {\n"
        "  console.log('[redacted: token]', '[redacted: token]');\n"
        "  console.log('[redacted: email]', '[redacted: email]', '[redacted: email]');\n"
        "  console.log('[redacted: request data]', '[redacted: email]', '[redacted: profile]');\n"
        "  console.log('[redacted: email]', 'Hi ' + '[redacted: name]', ['[redacted: phone]', 1]);\n"
        "}\n",
        path="example.ts",
        count=4,
    ),
    # Loggers: winston's log(level, ...), this.logger, a child logger, pino's first object.
    Invalid(
        "logger.log('info', 'signup', { email: user.email });\n"
        "class A {\n  run() {\n    this.logger.warn(`reset for ${email}`);\n  }\n}\n"
        "logger.child({ module: 'auth' }).info({ password }, 'login');\n",
        fixed="logger.log('info', 'signup', { email: '[redacted: email]' });\n"
        "class A {\n  run() {\n    this.logger.warn(`reset for [redacted: email]`);\n  }\n}\n"
        "logger.child({ module: 'auth' }).info({ password: '[redacted: password]' }, 'login');\n",
        path="example.js",
        count=3,
    ),
    # The marker follows the file's quotes; JSX files too.
    Invalid(
        'import React from "react";\n\nexport const C = () => {\n'
        "  console.log(customer);\n  return <p>{name}</p>;\n};\n",
        fixed='import React from "react";\n\nexport const C = () => {\n'
        '  console.log("[redacted: customer]");\n  return <p>{name}</p>;\n};\n',
        path="example.tsx",
    ),
    # Options: a project's own logger, an extended vocabulary.
    Invalid(
        "audit.info('redeemed', loyaltyNumber);\n",
        fixed="audit.info('redeemed', '[redacted: loyalty card]');\n",
        path="example.js",
        options={"loggers": ("audit",), "extend-names": ("loyalty card: loyalty number",)},
    ),
    # No fix: a spread argument.
    Invalid("console.log(...users);\n", path="example.js"),
)
