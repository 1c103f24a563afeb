"""pii-logging (Python): the rule's examples, run by the shared harness."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid

VALID = (
    # A string literal is a message, not data.
    Valid('import logging\n\nlogger = logging.getLogger(__name__)\nlogger.info("email sent")\n'),
    Valid("print('password reset link sent')\n"),
    # Things about the data are not the data: counts, flags, ids, types, fields.
    Valid(
        """
        def report(user, email_count, is_email_verified, has_password, token_count, address_id):
            logger.info("sent %d emails", email_count)
            logger.info("verified %s, password %s", is_email_verified, has_password)
            print(token_count, address_id, user.id, user.email_verified, num_tokens)
            log.debug("%s %s %s", token_type, password_field, emailInput)
        """
    ),
    # Another call's result hides the value.
    Valid("logger.info('%s %s', len(password), mask(email))\n"),
    # Ambiguous words alone: a server's address, the builtin zip, a class, a constant.
    Valid("logger.info('%s', server_address)\nprint(zip(a, b), User, USER)\n"),
    # Not a logging call: Django's messages, math.log, a method named log, a file.
    Valid("messages.info(request, f'Welcome {user.email}')\n"),
    Valid("import math\n\nmath.log(x)\nself.log(email)\n"),
    Valid("with open(path, 'w') as fh:\n    print(user.email, file=fh)\n"),
    # Not the builtin print.
    Valid("def print(*args):\n    pass\n\n\nprint(email)\n"),
    # Test files, the allowed globs and the ignored names are not checked.
    Valid("print(user.email)\n", path="tests/test_signup.py"),
    Valid("print(user.email)\n", path="tools/export.py", options={"allow": ("tools/",)}),
    Valid("logger.debug('%s', token)\n", options={"ignore-names": ("token",)}),
    # Seeds and fixtures hold made-up data.
    Valid("print(owner.email)\n", path="app/seeds/users.py"),
    # A flag named after an action; a stream or page position is not a credential.
    Valid("logger.info('%s %s %s', send_email_to_owner, next_token, since_token)\n"),
    # A bare token is as often a stream position or a public key; a credential's is data.
    Valid("logger.info('%s %s %s', token, cmd.token, channel.token)\n"),
    # Configuration's addresses are the organisation's; constants; a value keyed as an id.
    Valid("print(settings.DEFAULT_FROM_EMAIL, os.getenv('SUPPORT_PHONE'), API_KEY_MISSING)\n"),
    Valid("logger.info('x', extra={'customer_id': order.customer, 'user_count': users})\n"),
    # Ambiguous alone: a device's IP, a stream's session, a platform's full name, the name
    # of a setting, a name given by a user.
    Valid("logger.info('%s %s %s', device.ip_address, session_id, full_name)\n"),
    Valid("logger.info('%s %s', CONF_API_KEY, device.name_by_user)\n"),
)

INVALID = (
    # An f-string: the value becomes the marker's text; the id stays.
    Invalid(
        """
        import logging

        logger = logging.getLogger(__name__)
        logger.info(f"Booking for {user.email} created, id {booking.id}")
        """,
        fixed="""
        import logging

        logger = logging.getLogger(__name__)
        logger.info(f"Booking for [redacted: email] created, id {booking.id}")
        """,
        line=4,
        column=1,
    ),
    # An f-string left without placeholders becomes a plain literal; `{{` is unescaped.
    Invalid(
        'print(f"{{x}} {user.name} born {dob} lives at {billingAddress}, {user.get_full_name()}")\n',
        fixed='print("{x} [redacted: name] born [redacted: birth date] lives at '
        '[redacted: address], [redacted: name]")\n',
    ),
    Invalid(
        "print(f'{{id}} {user.id}: {user.email!r:>20}')\n",
        fixed="print(f'{{id}} {user.id}: [redacted: email]')\n",
    ),
    # logging's %-arguments are folded into the message; the others stay.
    Invalid(
        'logger.info("login %s from %s", email, client_ip)\n',
        fixed='logger.info("login [redacted: email] from [redacted: ip address]")\n',
    ),
    Invalid(
        "log.warning('card %s declined for order %d', card_number, order.id)\n",
        fixed="log.warning('card [redacted: card] declined for order %d', order.id)\n",
    ),
    Invalid(
        'logger.info("100%% done for %s", customer)\n',
        fixed='logger.info("100% done for [redacted: customer]")\n',
    ),
    Invalid(
        """
        logger.info(
            "order %s for %s "
            "at %s",
            order.id,
            customer_email,
            shippingAddress,
        )
        """,
        fixed="""
        logger.info(
            "order %s for [redacted: email] "
            "at [redacted: address]",
            order.id,
        )
        """,
    ),
    # Every category.
    Invalid(
        'logger.debug("auth %s %s %s", access_token, settings.SECRET_KEY, os.getenv("API_KEY"))\n',
        fixed='logger.debug("auth [redacted: token] [redacted: secret] [redacted: api key]")\n',
    ),
    Invalid(
        "logger.info('pay %s %s %s %s %s', cvv, iban, tax_id, session_token, request.COOKIES)\n",
        fixed="logger.info('pay [redacted: card] [redacted: bank account] "
        "[redacted: national id] [redacted: session] [redacted: session]')\n",
    ),
    Invalid(
        "print(user_phone, customerPhone, passwd, stripeSecretKey, user.address, ssn)\n",
        fixed='print("[redacted: phone]", "[redacted: phone]", "[redacted: password]", '
        '"[redacted: secret]", "[redacted: address]", "[redacted: national id]")\n',
    ),
    # Keys: subscripts, `.get("key")`, environment variables.
    Invalid(
        "logger.info('%s %s %s', data['email'], request.POST.get('password'), "
        "request.META['REMOTE_ADDR'])\n",
        fixed="logger.info('[redacted: email] [redacted: password] [redacted: ip address]')\n",
    ),
    # A console print keeps its arguments' places: the marker is a string.
    Invalid(
        'print("User:", user.email, user.id)\n',
        fixed='print("User:", "[redacted: email]", user.id)\n',
    ),
    # Whole records, and a request's data.
    Invalid("print(customer)\n", fixed='print("[redacted: customer]")\n'),
    Invalid(
        "logger.info('%s', request.POST)\nlogger.info(current_user)\n",
        fixed="logger.info('[redacted: request data]')\nlogger.info(\"[redacted: user]\")\n",
        count=2,
    ),
    # The `%` operator, `.format` and `+`.
    Invalid(
        "logger.info('phone: %s' % customerPhone)\nprint('%s <%s>' % (user.id, user.email))\n",
        fixed="logger.info('phone: [redacted: phone]')\n"
        "print('%s <[redacted: email]>' % (user.id,))\n",
        count=2,
    ),
    Invalid(
        'print("Hi {}, order {n}".format(first_name, n=order.id))\n'
        'print("{email}".format(email=addr))\n',
        fixed='print("Hi {}, order {n}".format("[redacted: name]", n=order.id))\n'
        'print("{email}".format(email="[redacted: email]"))\n',
        count=2,
    ),
    Invalid(
        "print('Password: ' + password)\n",
        fixed="print('Password: ' + '[redacted: password]')\n",
    ),
    # extra=, dicts (by key too), structlog keywords, spreads, json.dumps.
    Invalid(
        'logger.info("signup", extra={"email": user.email, "phone": value, "user_id": user.id})\n',
        fixed='logger.info("signup", extra={"email": "[redacted: email]", '
        '"phone": "[redacted: phone]", "user_id": user.id})\n',
    ),
    Invalid(
        "log.info('login', email=addr, user_id=uid)\n",
        fixed="log.info('login', email='[redacted: email]', user_id=uid)\n",
    ),
    Invalid(
        "print({**user_profile, 'id': 1})\n",
        fixed="print({'user_profile': '[redacted: profile]', 'id': 1})\n",
    ),
    Invalid(
        "logger.info('payload %s', json.dumps({'email': e, 'id': 1}))\n",
        fixed="logger.info('payload %s', json.dumps({'email': '[redacted: email]', 'id': 1}))\n",
    ),
    # Loggers: the logging module, a getLogger() call or binding, .log(level, msg),
    # structlog's bind(), the `loggers` option.
    Invalid(
        """
        import logging

        audit = logging.getLogger("audit")
        logging.warning("reset for %s", email)
        logging.getLogger(__name__).error("bad password %r", password)
        audit.log(logging.INFO, "to %s", phone)
        log.bind(request_id=rid).info("token", access_token=token)
        """,
        fixed="""
        import logging

        audit = logging.getLogger("audit")
        logging.warning("reset for [redacted: email]")
        logging.getLogger(__name__).error("bad password [redacted: password]")
        audit.log(logging.INFO, "to [redacted: phone]")
        log.bind(request_id=rid).info("token", access_token="[redacted: token]")
        """,
        count=4,
    ),
    Invalid(
        "events.info('%s', email)\n",
        fixed="events.info('[redacted: email]')\n",
        options={"loggers": ("events",)},
    ),
    # A loguru-style `{}` message: the value's place is kept, filled by the marker.
    Invalid(
        'logger.info("user {} logged in", user.email)\n',
        fixed='logger.info("user {} logged in", "[redacted: email]")\n',
    ),
    # The vocabulary is extended.
    Invalid(
        "logger.info('%s', member.loyaltyNumber)\n",
        fixed="logger.info('[redacted: loyalty card]')\n",
        options={"extend-names": ("loyalty card: loyalty number",)},
    ),
    # No fix: a spread of records, a format field a string would not fill.
    Invalid("print(*users)\n"),
    Invalid("print('{:>5d}'.format(ssn))\n"),
    Invalid("print('%(email)s' % user_data)\n"),
)
