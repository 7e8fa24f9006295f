#ifndef PLANHAT_CSUPPORT_H
#define PLANHAT_CSUPPORT_H
/*
 * Linux (glibc) facilities Swift's Glibc module does not export, and the one piece of work that
 * must run inside a fatal-signal handler. Everything here is plain C on purpose.
 */
#include <stddef.h>

/* glibc's strcasestr (a GNU extension): ASCII case-insensitive substring search. */
const char *csupport_strcasestr(const char *haystack, const char *needle);

/* glibc's mallopt(M_ARENA_MAX, n): limits malloc to n arenas. Returns 1 on success. */
int csupport_set_malloc_arena_max(int arenas);

/*
 * Emergency files: what must reach the disk if the process dies of a fatal signal (a crash).
 * The program registers them ahead of time; the crash handler writes them with async-signal-safe
 * calls only (open, write, fsync, close, rename).
 *
 * csupport_emergency_set copies `count` files (each a final path, a staging path and its bytes);
 * count 0 forgets them. Call it from one thread.
 */
void csupport_emergency_set(size_t count, const char *const *paths, const char *const *staging_paths,
                            const unsigned char *const *contents, const size_t *lengths);

/* Writes the registered files (staging file, then rename over the final path); safe in a signal handler. */
void csupport_emergency_write(void);

#endif
