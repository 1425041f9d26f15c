"""``mesoclinic plan [FILE|-] [--json]``: a plan request (JSON) in, the plan out.

The contract (design document, "The planning contract"): the plan is printed as a text report,
or as the contract's JSON with ``--json``; a JSON array of requests gives one plan per request (a
JSON array with ``--json``, reports separated by a rule without). JSON is indented for a terminal
and compact otherwise (a pipe or a file, where integrators read batches of thousands of plans and
the indenting encoder would cost more than the planning); ``--pretty`` and ``--compact`` choose.
Exit status:

- 0: a plan was printed, whatever its verdict (a plan that declines everything is still a plan);
- 2: bad input or usage, with one line per problem on stderr and nothing on stdout;
- 1: the installation is broken (the packaged knowledge base does not load), or stdout closed.

Bad input never produces a traceback. No Django is imported here: ``mesoclinic plan`` starts
fast and works where no database is configured.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.errors import PlanningError
from mesoclinic.planning.json_input import decode_json
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import dump_compact_json, dump_json, plan_to_dict, plan_to_text
from mesoclinic.planning.render_text import WIDTH
from mesoclinic.planning.request import parse_batch

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

PROG = "mesoclinic plan"
EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_BAD_INPUT = 2
STDIN_NAME = "standard input"


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``mesoclinic plan`` with ``argv`` (the words after ``plan``); return the exit status.

    The streams default to the process's own; tests pass ``StringIO`` objects.
    """
    inp = sys.stdin if stdin is None else stdin
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    parser = _ArgumentParser(out=out, err=err)
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    except _ParserExit as done:
        return done.status

    name = STDIN_NAME if args.file == "-" else args.file
    try:
        text = inp.read() if args.file == "-" else _read_file(args.file)
    except (OSError, UnicodeDecodeError) as error:
        err.write(f"{PROG}: cannot read {name}: {_reason(error)}\n")
        return EXIT_BAD_INPUT
    try:
        data = decode_json(text)
    except PlanningError as error:
        err.writelines(f"{PROG}: {name}: {line}\n" for line in error.lines)
        return EXIT_BAD_INPUT
    try:
        knowledge = default_knowledge()
    except PlanningError as error:
        err.write(f"{PROG}: the packaged knowledge base does not load:\n")
        err.writelines(f"  {line}\n" for line in error.lines)
        return EXIT_BROKEN
    try:
        parsed = parse_batch(data, knowledge)
    except PlanningError as error:
        # The problem lines alone, exactly as the HTTP preview returns them.
        err.writelines(f"{line}\n" for line in error.lines)
        return EXIT_BAD_INPUT

    batch = isinstance(parsed, tuple)
    requests = parsed if isinstance(parsed, tuple) else (parsed,)
    pretty = args.pretty if args.pretty is not None else _is_terminal(out)
    if args.json and not pretty:
        # Each plan is encoded and written as soon as it is made: a batch of thousands never holds
        # every plan's objects at once, which would make the garbage collector walk them all again
        # and again, nor one string of all of them.
        encoded = (
            dump_compact_json(plan_to_dict(make_plan(request, knowledge), knowledge))
            for request in requests
        )
        if not batch:
            return _write(out, encoded)
        return _write(out, _json_array(encoded))
    if args.json:
        dicts = [plan_to_dict(make_plan(request, knowledge), knowledge) for request in requests]
        output = dump_json(dicts if batch else dicts[0])
    else:
        rule = "\n" + "=" * WIDTH + "\n\n"
        output = rule.join(plan_to_text(make_plan(r, knowledge), knowledge) for r in requests)
    return _write(out, (output,))


def _json_array(items: Iterable[str]) -> Iterator[str]:
    """Compact JSON texts (each ending in a newline) as the chunks of one JSON array."""
    separator = "["
    for item in items:
        yield separator
        yield item[:-1]
        separator = ","
    yield "]\n"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: not a terminal
        return False


def _read_file(path: str) -> str:
    # utf-8-sig: a byte-order mark some editors write is not part of the document.
    with open(path, encoding="utf-8-sig") as file:
        return file.read()


def _reason(error: OSError | UnicodeDecodeError) -> str:
    if isinstance(error, UnicodeDecodeError):
        # error.start counts from the decoder's current chunk, not the file: no use to a reader.
        return "not UTF-8 text"
    return error.strerror or str(error)


def _write(out: TextIO, chunks: Iterable[str]) -> int:
    """Write ``chunks`` in turn (a batch is written as it is planned), then flush."""
    try:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        # The reader went away (e.g. ``| head``). Point the descriptor at devnull so that the
        # interpreter's own flush at exit does not report the same broken pipe again.
        if out is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN
    return EXIT_OK


class _ParserExit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _ArgumentParser(argparse.ArgumentParser):
    """argparse writing to the given streams and returning (not exiting) on ``--help`` or error."""

    def __init__(self, *, out: TextIO, err: TextIO) -> None:
        super().__init__(
            prog=PROG,
            description="Print the treatment plan for a plan request (JSON).",
            epilog="Exit status: 0 a plan was printed (whatever its verdict), 2 bad input, "
            "1 broken installation.",
        )
        self.out = out
        self.err = err
        self.add_argument(
            "file",
            nargs="?",
            default="-",
            metavar="FILE",
            help="the request, a JSON object or an array of them; '-' (default) reads stdin",
        )
        self.add_argument(
            "--json", action="store_true", help="print the plan as the contract's JSON"
        )
        layout = self.add_mutually_exclusive_group()
        layout.add_argument(
            "--pretty",
            dest="pretty",
            action="store_const",
            const=True,
            default=None,
            help="indent the JSON (the default when writing to a terminal)",
        )
        layout.add_argument(
            "--compact",
            dest="pretty",
            action="store_const",
            const=False,
            help="JSON on one line (the default when writing to a pipe or a file)",
        )

    def print_usage(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_usage(self.out if file is None else file)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_help(self.out if file is None else file)

    def error(self, message: str) -> NoReturn:
        self.print_usage(self.err)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self.err.write(message)
        raise _ParserExit(status)
