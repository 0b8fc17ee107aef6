// Package cache is poc's on-disk response cache: it implements pipeline.Cache
// so that a rerun of a finished experiment makes no API call at all.
//
// Values live one file per key under a cache folder, sharded by the first two
// characters of the key (dir/ab/abcdef….json). A Put is durable before it
// returns: the value is written to a temporary file in the shard folder,
// synced, renamed over the final name and the folder synced, so a crash leaves
// either the old value, the new one or an ignored temporary file — never a
// partial value under the key's name.
//
// This package imports only the standard library (it satisfies
// pipeline.Cache structurally); it must never import pipeline, datasets or
// anything else of poc.
package cache
