# Set up .venv for this checkout; sourced by ./demo, ./test and .ci/run.
#
# Usage: source scripts/bootstrap.sh [EXTRA]    (EXTRA is an optional-dependency group, e.g. test)
#
# Needs only Python 3.11 or newer. Idempotent: pip runs again only when pyproject.toml, the
# extra or the checkout's location changed since the last successful install.

_bootstrap() {
    local extra="${1:-}" root python candidate spec stamp wanted log
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

    if [ -x "$root/.venv/bin/python" ] && "$root/.venv/bin/python" -c \
        'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python="$root/.venv/bin/python"
    else
        python=""
        for candidate in python3.13 python3.12 python3.11 python3; do
            # A name can exist and still fail (a pyenv shim without that version): run it.
            if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \
                'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
                python="$candidate"
                break
            fi
        done
        if [ -z "$python" ]; then
            echo "error: Mesoclinic needs Python 3.11 or newer; none was found on PATH" \
                "(tried python3.13, python3.12, python3.11, python3)." >&2
            return 1
        fi
        echo "Creating .venv with $("$python" --version 2>&1)..." >&2
        rm -rf "$root/.venv"
        if ! "$python" -m venv "$root/.venv"; then
            echo "error: '$python -m venv' failed; on Debian or Ubuntu install python3-venv." >&2
            return 1
        fi
        python="$root/.venv/bin/python"
    fi

    spec="."
    [ -n "$extra" ] && spec=".[$extra]"
    stamp="$root/.venv/.mesoclinic-installed${extra:+-$extra}"
    wanted="$("$python" -c 'import hashlib, sys
print(hashlib.sha256(open(sys.argv[1], "rb").read() + sys.argv[2].encode()).hexdigest())' \
        "$root/pyproject.toml" "$root $spec")"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        echo "Installing Mesoclinic ($spec) into .venv..." >&2
        # pip's and the build's chatter goes to a log, shown in full only when the install fails.
        log="$root/.venv/pip-install.log"
        if ! (cd "$root" && "$python" -m pip install --disable-pip-version-check -e "$spec") \
            >"$log" 2>&1; then
            cat "$log" >&2
            echo "error: pip install -e '$spec' failed (log above, also in $log)." >&2
            return 1
        fi
        echo "$wanted" >"$stamp"
    fi
}

_bootstrap "$@"
