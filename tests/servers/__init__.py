"""Real CardDAV/CalDAV servers for the tests, started on 127.0.0.1 on a free port with a
temporary storage folder and an htpasswd user, and stopped afterwards."""
