"""A LibCST suite's statements, for bare-except's fix (`_narrow`): a one-line body
(`except: raise`) as the one line it is. How a handler's body can end is worked out at
detection, on `ast` (`_bare_exits`)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst


def statements(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(suite, cst.SimpleStatementSuite):  # `except: raise` on one line
        return [cst.SimpleStatementLine(body=suite.body)]
    assert isinstance(suite, cst.IndentedBlock)
    return suite.body
