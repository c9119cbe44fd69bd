#!/usr/bin/env bash
# Stops the cluster test/slurm/start-cluster.sh started (its slurmd and
# slurmctld, by their pid files; munged too when it was started for it).
set -uo pipefail
dir="${QUENCH_SLURM_DIR:-/tmp/quench-slurm}"
stop() {
  local pidfile="$1" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
}
stop "$dir/slurmd.pid"
stop "$dir/slurmctld.pid"
# munged: its pid file is where Debian puts it; left alone when other Slurm or munge users may need it.
if [ "${QUENCH_SLURM_STOP_MUNGE:-1}" = 1 ]; then stop /run/munge/munged.pid; fi
echo "stop-cluster: stopped (state and logs kept in $dir)" >&2
