import { findOnPath, pidNamespaceArgs, sandboxPath } from './command.ts';

/**
 * What ties a server's lifetime to the crawler's, even when the crawler is killed with SIGKILL: the command
 * line placed before bwrap (or, unisolated, before the server).
 *
 * The outermost process gets SIGKILL when the crawler dies (setpriv --pdeathsig, util-linux). That is not
 * enough under bwrap: bwrap's outer process clones the sandbox's first process (its PID 1), which sets its own
 * parent-death signal only after the sandbox is set up and the server forked, and waits before that on an
 * eventfd the outer process writes. A crawler killed in those milliseconds takes the outer bwrap with it and
 * leaves that PID 1 behind, reparented to init: blocked forever, or running the server. So, where it works,
 * bwrap runs as the first process of a PID namespace of its own (`unshare --pid --kill-child`): when the crawler
 * dies, unshare dies, its child (that namespace's PID 1) gets SIGKILL, and the kernel kills every process in the
 * namespace and in the ones nested in it, bwrap's sandbox included, at whatever stage it was.
 */
export function dieWithCrawler(env: Record<string, string>, ownPidNamespace: boolean): string[] {
  const setpriv = findOnPath('setpriv', sandboxPath());
  if (!setpriv) return [];
  const inNamespace = ownPidNamespace ? pidNamespaceArgs() : undefined;
  return [
    setpriv,
    '--pdeathsig',
    'KILL',
    '--',
    ...(inNamespace ? [...inNamespace, ...unlessOrphanedInNamespace(process.pid, env.PWD)] : unlessOrphaned(process.pid, env.PWD)),
  ];
}

/**
 * A crawler that dies between the fork and setpriv's prctl sends no signal: its child is already an orphan when
 * the death signal is set. A shell started after the prctl checks that its parent is still `parentPid` and only
 * then execs the rest of the command line, so the server never starts without a crawler to kill it.
 */
export function unlessOrphaned(parentPid: number, pwd: string | undefined): string[] {
  return checkThenExec('[ "$PPID" = "$0" ]', parentPid, pwd);
}

/**
 * The same check as the first process of unshare's PID namespace, where the parent's PID is not visible
 * ($PPID is 0): /proc (still the host's) gives this shell's parent and process group. Its parent must be
 * unshare, the group's leader (the transport spawns it detached), and unshare's parent the crawler. Either may
 * have died before its death signal was set (after the crawler's fork, after unshare's); once both checks pass,
 * both signals are set, so a later death kills this process.
 */
export function unlessOrphanedInNamespace(parentPid: number, pwd: string | undefined): string[] {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion (the fields after the command name)
  const statOf = 'stat_of() { read -r s < "/proc/$1/stat" || return 1; set -- ${s##*") "}; ppid=$2; pgrp=$3; }; ';
  return checkThenExec(`${statOf}stat_of self && [ "$ppid" = "$pgrp" ] && stat_of "$pgrp" && [ "$ppid" = "$0" ]`, parentPid, pwd);
}

/**
 * `/bin/sh -c` that exits 137 unless `check` holds, then execs its arguments. The shell sets PWD to its working
 * folder, so it puts back the PWD of the server's environment, or none.
 */
function checkThenExec(check: string, parentPid: number, pwd: string | undefined): string[] {
  const restorePwd = pwd === undefined ? 'unset PWD' : 'export PWD="$1"; shift';
  const script = `if ! { ${check}; }; then exit 137; fi; ${restorePwd}; exec "$@"`;
  return ['/bin/sh', '-c', script, String(parentPid), ...(pwd === undefined ? [] : [pwd])];
}
