"""Custom actions of Trợ lý Dịch vụ công (run with `rasa run actions --actions actions`).

Importing the package installs the privacy log filter, so phone and ID numbers are masked in every
log line the action server writes (Rasa, rasa-sdk and our own modules), and builds the
knowledge-base search indexes before the first message arrives. It also imports the action
server's guard (``rasa_sdk_plugins``: loopback, token, short errors), so the server stops with an
import error rather than run without it (rasa-sdk silently skips a plugin it cannot find).
"""

import rasa_sdk_plugins  # noqa: F401 - see above
from actions.kb import warm_up
from procedure_kb.privacy import install_log_filter

install_log_filter()
warm_up()
