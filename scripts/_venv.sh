# Sourced by scripts/serve and scripts/test: make .venv and install the project with the given extras.
# Only Python is assumed on the machine; everything else comes from PyPI (or apt, where a script says so).
fieldaudit_venv() {
    local extras="$1"
    local python="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv with $($python --version 2>&1)"
        "$python" -m venv .venv
    fi
    echo "==> installing fieldaudit[$extras] into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
}
