#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1     /* wide-char API; must precede curses.h */
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>
/* Swift 6 rejects reads of mutable C globals: give them function accessors. */
static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline int cnc_lines(void) { return LINES; }
static inline int cnc_cols(void) { return COLS; }
static inline int cnc_colors(void) { return COLORS; }
/* Cast-based attribute macros do not import. */
static inline int cnc_a_bold(void) { return (int)A_BOLD; }
static inline int cnc_a_reverse(void) { return (int)A_REVERSE; }
static inline int cnc_a_underline(void) { return (int)A_UNDERLINE; }
static inline int cnc_a_dim(void) { return (int)A_DIM; }
static inline int cnc_color_pair(int n) { return (int)COLOR_PAIR(n); }
/* The mouse events the explorer takes: a left press, the wheel (buttons 4 and 5). */
static inline mmask_t cnc_mouse_events(void) { return BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED; }
/* Reads the pending mouse event: 1 a left press, 2 the wheel up, 3 the wheel down, 0 another. */
static inline int cnc_read_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 2;
    if (event.bstate & BUTTON5_PRESSED) return 3;
    return 0;
}
#endif
