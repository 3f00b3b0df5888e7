#!/usr/bin/env bash
# Dependency audit (`make audit`): pip-audit on the exact set the runtime installs
# (requirements/lock.txt, plus the pip, setuptools and wheel that `pip freeze` leaves out of
# it), npm audit on the widget (production dependencies, then all). Raw outputs and readable
# tables go to docs/security/ (docs/SECURITY.md explains each finding).
#
# pip-audit lives in its own throwaway venv: installing it into .venv would change
# requirements/lock.txt, which is part of the model fingerprint.
#
#   scripts/audit.sh                                      # PyPI's vulnerability service, then OSV
#   AUDIT_OSV_URL=http://host/v1/query scripts/audit.sh   # an OSV-compatible mirror instead
#
# Exit: 0 nothing known; 1 vulnerabilities found; 2 a service could not audit (for instance
# every package "not found on PyPI" because the per-version JSON API is unreachable: pip-audit
# then prints "No known vulnerabilities found", which means nothing was checked).
set -uo pipefail
cd "$(dirname "$0")/.."

out=docs/security
venv=${AUDIT_VENV:-/tmp/cqp-audit-venv}
pip_audit_version=2.10.1
mkdir -p "$out"

python=$(scripts/find_python310.sh) || exit 2
if [ ! -x "$venv/bin/pip-audit" ]; then
  echo "pip-audit $pip_audit_version dans $venv (hors de .venv)"
  "$python" -m venv "$venv" && "$venv/bin/pip" install --quiet "pip-audit==$pip_audit_version" || exit 2
fi

reqs=$(mktemp)
trap 'rm -f "$reqs"' EXIT
grep -v '^#' requirements/lock.txt > "$reqs"
if [ -x .venv/bin/pip ]; then
  .venv/bin/pip freeze --all 2>/dev/null | grep -i -E '^(pip|setuptools|wheel)==' >> "$reqs"
fi

worst=0
note() { [ "$1" -gt "$worst" ] && worst=$1; }

# Writes $out/pip-audit-<label>.{json,txt,log}; the table says how many packages were really checked.
audit() {
  local label=$1; shift
  local json=$out/pip-audit-$label.json
  rm -f "$json"
  "$venv/bin/pip-audit" -r "$reqs" --no-deps --disable-pip --progress-spinner off --desc on --aliases on \
    --timeout 30 -f json -o "$json" "$@" > "$out/pip-audit-$label.log" 2>&1
  "$venv/bin/python" - "$json" "$out/pip-audit-$label.log" "$label" > "$out/pip-audit-$label.txt" <<'PY'
import json, sys
path, log, label = sys.argv[1:4]
try:
    deps = json.load(open(path))["dependencies"]
except (OSError, ValueError, KeyError):
    tail = open(log, errors="replace").read().strip().splitlines()[-1:] or ["(no output)"]
    print(f"pip-audit ({label}): no result. Last line of its output:\n  {tail[0]}")
    sys.exit(2)
skipped = [d for d in deps if "skip_reason" in d]
checked = [d for d in deps if "skip_reason" not in d]
found = [(d, v) for d in checked for v in d.get("vulns", [])]
print(f"pip-audit ({label}): {len(deps)} packages, {len(checked)} checked, {len(skipped)} skipped, "
      f"{len(found)} known vulnerabilities")
if skipped:
    print(f"  skipped, first reason: {skipped[0]['skip_reason']}")
if found:
    rows = [("package", "version", "id", "aliases", "fixed in")]
    rows += [(d["name"], d["version"], v["id"], ",".join(v.get("aliases", [])), ",".join(v.get("fix_versions", [])) or "-")
             for d, v in found]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
sys.exit(2 if not checked else 1 if found else 0)
PY
  local rc=$?
  cat "$out/pip-audit-$label.txt"
  note $rc
}

if [ -n "${AUDIT_OSV_URL:-}" ]; then
  audit osv-mirror -s osv --osv-url "$AUDIT_OSV_URL"
else
  audit pypi -s pypi
  audit osv -s osv
fi

# npm audit asks the registry's bulk advisory endpoint (a POST); an error comes back as JSON too.
npm_audit() {
  local label=$1; shift
  (cd web && npm audit --json "$@") > "$out/npm-audit-$label.json" 2> "$out/npm-audit-$label.log"
  node -e '
    const r = require(process.argv[1]);
    if (r.error || r.message) { console.log(`npm audit (${process.argv[2]}): no result: ${r.message || r.error.summary}`); process.exit(2); }
    const v = (r.metadata && r.metadata.vulnerabilities) || {};
    console.log(`npm audit (${process.argv[2]}): ${v.total || 0} vulnerabilities ${JSON.stringify(v)}`);
    process.exit((v.total || 0) > 0 ? 1 : 0);
  ' "$PWD/$out/npm-audit-$label.json" "$label"
  note $?
}
npm_audit prod --omit=dev
npm_audit full

case $worst in
  0) echo "Audit : aucune vulnérabilité connue." ;;
  1) echo "Audit : vulnérabilités connues, voir $out/ et docs/SECURITY.md." ;;
  *) echo "Audit incomplet : un service n'a pas répondu (voir $out/*.txt) ; « No known vulnerabilities » n'y vaut rien." ;;
esac
exit $worst
