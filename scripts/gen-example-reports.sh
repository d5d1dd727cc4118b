#!/bin/sh
# Regenerates the committed example reports (examples/reports/) from examples/system.log.
# Run from the repository root after `npm run build`; test/assess/examples.test.ts checks they
# are current (ignoring the generation time).
set -e
node scripts/gen-system-log.mjs > examples/system.log
for ext in md html; do
  node dist/cli/main.js audit examples/system.log --title 'Log audit: examples/system.log' \
    --output "examples/reports/system-audit.$ext"
done
node dist/cli/main.js interview --answers examples/interview-answers.yaml \
  --title 'Interview: the seed answers' --output examples/reports/interview.md
