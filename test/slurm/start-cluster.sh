#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests in test/slurm (and
# for trying `quench submit` by hand). Debian's slurm-wlm and munge, run as
# root: munged with the package's key (one is made if missing), then slurmctld
# and slurmd on a minimal slurm.conf in a folder of their own. Waits until the
# node is idle. Prints the line to export so sbatch, squeue and the tests find
# the cluster:
#   eval "$(test/slurm/start-cluster.sh)"      # sets SLURM_CONF
#   test/slurm/stop-cluster.sh
# Folder: $QUENCH_SLURM_DIR (default /tmp/quench-slurm); ports 6817/6818
# unless SLURMCTLD_PORT/SLURMD_PORT say otherwise.
set -euo pipefail

dir="${QUENCH_SLURM_DIR:-/tmp/quench-slurm}"
say() { echo "start-cluster: $*" >&2; }
fail() { say "$*"; exit 1; }

for cmd in munged slurmctld slurmd sinfo sbatch; do
  command -v "$cmd" >/dev/null || fail "$cmd not found: install Debian's slurm-wlm and munge (apt-get install -y --no-install-recommends slurm-wlm munge)"
done
[ "$(id -u)" = 0 ] || fail "run as root (slurmd starts jobs as their users)"

mkdir -p "$dir/state" "$dir/spool" "$dir/log"
conf="$dir/slurm.conf"
host="$(hostname -s)"

# munge: the key authenticates the daemons and commands to each other.
key=/etc/munge/munge.key
if [ ! -s "$key" ]; then
  say "no munge key: making $key"
  mkdir -p /etc/munge
  dd if=/dev/urandom of="$key" bs=1 count=1024 status=none
fi
id munge >/dev/null 2>&1 && chown munge:munge /etc/munge "$key" || true
chmod 700 /etc/munge
chmod 400 "$key"
mkdir -p /run/munge /var/lib/munge /var/log/munge
if id munge >/dev/null 2>&1; then chown munge:munge /run/munge /var/lib/munge /var/log/munge; fi
if ! munge -n </dev/null >/dev/null 2>&1; then
  if id munge >/dev/null 2>&1; then
    su -s /bin/sh munge -c "/usr/sbin/munged" || /usr/sbin/munged --force
  else
    /usr/sbin/munged --force
  fi
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n </dev/null | unmunge >/dev/null || fail "munged did not start (see /var/log/munge/munged.log)"
fi

# Leave some memory to the system: the node offers what is there minus 512 MiB.
mem=$(free -m | awk '/^Mem:/ {print $2}')
mem=$((mem > 1024 ? mem - 512 : mem))
# Two CPUs (fewer where the machine has fewer: a node configured above what it has is drained).
have=$(nproc)
cpus="${QUENCH_SLURM_CPUS:-$((have < 2 ? have : 2))}"

cat >"$conf" <<CONF
# Written by test/slurm/start-cluster.sh: one node, for tests.
ClusterName=quench
SlurmctldHost=$host
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MailProg=/bin/true
# Seconds between SIGTERM and SIGKILL when a job is cancelled (Slurm's default is 30).
KillWait=5
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"

# Already up on this configuration: nothing to start.
if [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null && sinfo -h >/dev/null 2>&1; then
  say "slurmctld already running (pid $(cat "$dir/slurmctld.pid"))"
else
  # -c: start without the job state of an earlier run; -i: ignore state it cannot read.
  slurmctld -f "$conf" -c -i || fail "slurmctld did not start: $(tail -5 "$dir/log/slurmctld.log" 2>/dev/null)"
fi
if ! { [ -f "$dir/slurmd.pid" ] && kill -0 "$(cat "$dir/slurmd.pid")" 2>/dev/null; }; then
  slurmd -f "$conf" || fail "slurmd did not start: $(tail -5 "$dir/log/slurmd.log" 2>/dev/null)"
fi

state=""
for _ in $(seq 150); do
  state="$(sinfo -h -n "$host" -o %t 2>/dev/null | head -1 || true)"
  case "$state" in
    idle|mix|alloc) break ;;
    drain*|down*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
case "$state" in
  idle|mix|alloc) ;;
  *) fail "the node did not become idle (state '${state:-none}'); logs in $dir/log" ;;
esac
say "Slurm up: node $host ($cpus CPUs, $mem MiB), partition debug, config $conf"
echo "export SLURM_CONF=$conf"
