#!/bin/bash
# Forwarding off vs on, alternating, medians: `bash bench/ab.sh [reps] [seconds] [connections]`
# (after `npm run bench` or `npx tsc -p bench/tsconfig.json` built dist/bench/).
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}; secs=${2:-8}; c=${3:-50}
rps() { NOPROF=1 node dist/bench/profile.js "$1" "$secs" "$c" | sed -nE "1p" | sed -E 's/.*: ([0-9]+) req\/s.*/\1/'; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
off=(); on=()
for i in $(seq "$reps"); do
  a=$(rps ps-off); b=$(rps ps-fwd); off+=("$a"); on+=("$b")
  echo "c=$c off $a on $b ratio $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.3f", b/a}')"
done
mo=$(printf '%s\n' "${off[@]}" | median); mn=$(printf '%s\n' "${on[@]}" | median)
echo "c=$c median off $mo on $mn ratio $(awk -v a="$mo" -v b="$mn" 'BEGIN{printf "%.3f", b/a}')"
