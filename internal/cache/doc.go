// Package cache is poc's on-disk response cache: it implements pipeline.Cache
// so that a rerun of a finished experiment makes no API call at all.
//
// Values live one file per key under a cache folder, sharded by the first two
// characters of the key (dir/ab/abcdef….json). A Put is durable before it
// returns: the value is written to a temporary file in the shard folder,
// made durable, renamed over the final name and the rename made durable, so
// a crash leaves either the old value, the new one or an ignored temporary
// file — never a partial value under the key's name. On Linux, Puts made
// together share the syncs (group commit): one syncfs(2) of the cache's file
// system before their renames and one after, instead of two fsyncs each; a
// Put alone, and every Put elsewhere, syncs its file and its folder.
//
// Runs sharing a cache folder pay once for the same request: Lock takes a
// per-key lease across processes, which pipelines take on a miss before
// looking again and calling (pipeline.LockingCache). On Linux a lease is a
// lock on one byte of dir/leases.lock (fcntl F_OFD_SETLK), so that no file
// is created or removed per call; on other Unix systems it is flock(2) on
// dir/ab/KEY.lock; elsewhere a no-op. (poc versions before the Linux
// leases took flock leases there too: a run of such a version and one of
// this one, at the same time on the same folder, do not see each other's
// leases and may both pay for a request both make.)
//
// A Put that fails (a full disk, a read-only folder) is returned to the
// pipeline, which goes on without caching; Stats counts such failures
// (PutErrors, FirstPutError) so that the run can warn that a rerun will pay
// again.
//
// This package imports only the standard library (it satisfies
// pipeline.Cache structurally); it must never import pipeline, datasets or
// anything else of poc.
package cache
