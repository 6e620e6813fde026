"""dbt's log events, built by protobuf's own code instead of its JSON parser (for fsi-dbt).

Every event dbt fires is a protobuf message: about 25 per node (the node starting, compiling,
executing and finishing, each SQL statement, connection and commit), about 10,500 in a
scale-1 build. dbt_common builds each one twice with `json_format.ParseDict`, a walk of the
keyword arguments in Python: the event's message, then the envelope around it (level,
timestamp, thread, invocation). Both hold the GIL the two dbt threads share; at scale 1 they
were about a tenth of the Python time of `dbt test`, some 70 µs of every event.

Here the event's message comes from its class's constructor (protobuf's C extension, which
takes the same keyword arguments: nested messages and `Struct` fields as dicts, None as
unset), and the envelope is filled field by field. Where the constructor refuses the arguments
(a timestamp given as a string, which ParseDict parses), dbt's own code builds the event, so
the messages are the ones dbt would build; `orchestration_tests/test_dbt_events.py` compares
them with dbt's for real events.

Each line written to the log (stdout and logs/dbt.log) is first scrubbed of secrets: the
values of the `DBT_ENV_SECRET*` environment variables, which dbt looks up for every line by
decoding every variable of `os.environ` (about 20 µs a line). `install_fast_secrets` finds the
same variables among the environment's encoded keys and decodes only those.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any


def install_fast_events() -> bool:
    """Patch dbt_common's event construction (see above). False, and dbt untouched, when this
    dbt_common lacks the functions replaced."""
    try:
        from dbt_common.events import base_types, event_manager
    except ImportError:
        return False
    helpers = ("get_invocation_id", "get_global_metadata_vars", "get_pid", "get_thread_name")
    if not (
        callable(getattr(base_types, "msg_from_base_event", None))
        and getattr(event_manager, "msg_from_base_event", None) is base_types.msg_from_base_event
        and all(callable(getattr(base_types, name, None)) for name in helpers)
    ):
        return False
    dbt_init = base_types.BaseEvent.__init__

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:  # Formatting("text"): dbt's own handling
            dbt_init(self, *args, **kwargs)
            return
        # as dbt's own: the messages are strings whatever they were given as
        for name in ("base_msg", "msg"):
            if name in kwargs:
                kwargs[name] = str(kwargs[name])
        try:
            message = getattr(self.PROTO_TYPES_MODULE, type(self).__name__)(**kwargs)
        except Exception:
            dbt_init(self, **kwargs)
            return
        self.pb_msg = message

    def msg_from_base_event(event: Any, level: Any = None) -> Any:
        envelope = getattr(event.PROTO_TYPES_MODULE, f"{type(event).__name__}Msg")()
        info = envelope.info
        info.level = level.value if level else event.level_tag().value
        info.msg = event.message()
        info.invocation_id = base_types.get_invocation_id()
        info.extra.update(base_types.get_global_metadata_vars())
        # dbt writes this time as an RFC 3339 string and parses it back
        info.ts.FromDatetime(datetime.now(UTC).replace(tzinfo=None))
        info.pid = base_types.get_pid()
        info.thread = base_types.get_thread_name()
        info.code = event.code()
        info.name = type(event).__name__
        envelope.data.CopyFrom(event.pb_msg)
        return envelope

    base_types.BaseEvent.__init__ = __init__
    base_types.msg_from_base_event = msg_from_base_event
    event_manager.msg_from_base_event = msg_from_base_event
    return True


def install_fast_secrets() -> bool:
    """Patch the secret look-up of dbt_common's log scrubber (see above). False, and dbt
    untouched, when this dbt_common or this Python's `os.environ` is not the one expected."""
    try:
        from dbt_common.constants import SECRET_ENV_PREFIX
        from dbt_common.events import functions
    except ImportError:
        return False
    environ = os.environ
    if not (
        callable(getattr(functions, "env_secrets", None))
        and isinstance(getattr(environ, "_data", None), dict)
        and callable(getattr(environ, "encodekey", None))
        and callable(getattr(environ, "decodevalue", None))
    ):
        return False
    prefix = environ.encodekey(SECRET_ENV_PREFIX)

    def env_secrets() -> list[str]:
        values = (
            os.environ.decodevalue(value)
            for key, value in os.environ._data.items()  # type: ignore[attr-defined]
            if key.startswith(prefix)
        )
        return [value for value in values if value.strip()]

    functions.env_secrets = env_secrets
    return True
