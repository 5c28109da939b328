"""Sign-ins and the people who hold roles: invitations (single-use links sent by email), the
roles they grant, and founding an organisation in the browser.

Above the register (it grants the register's roles), below the apps that use it, so the web
pages and the later member-account invitations (same app, their own modules) can build on it.
"""
