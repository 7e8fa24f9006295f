// Generated from themes/*.yaml by `make themes`; a test checks they stay equal.

/// The themes shipped with the program, so they work wherever the binary is installed.
enum BuiltInThemes {
    static let yaml: [String: String] = [
        "default": #"""
# Planhat Explorer's default theme (dark terminals). Colours: names (cyan, bright-black, …),
# default, or 0-255. Keys per slot: fg, bg, bold, underline, reverse, dim.
name: default
slots:
  text: {fg: default}
  muted: {fg: bright-black}
  accent: {fg: cyan, bold: true}
  selection: {fg: black, bg: cyan}
  border: {fg: bright-black}
  error: {fg: bright-red, bold: true}
  warning: {fg: yellow}
  success: {fg: green}
  json-key: {fg: bright-blue}
  json-string: {fg: green}
  json-number: {fg: magenta}
  json-bool: {fg: yellow}
  json-null: {fg: bright-black}
"""#,
        "high-contrast": #"""
# Maximum contrast: bright colours, bold text, reversed selection.
name: high-contrast
slots:
  text: {fg: bright-white, bold: true}
  muted: {fg: white}
  accent: {fg: bright-yellow, bold: true, underline: true}
  selection: {fg: black, bg: bright-yellow, bold: true}
  border: {fg: bright-white}
  error: {fg: bright-white, bg: red, bold: true}
  warning: {fg: bright-yellow, bold: true}
  success: {fg: bright-green, bold: true}
  json-key: {fg: bright-cyan, bold: true}
  json-string: {fg: bright-green}
  json-number: {fg: bright-magenta}
  json-bool: {fg: bright-yellow}
  json-null: {fg: white}
"""#,
        "light": #"""
# A theme for light terminal backgrounds.
name: light
slots:
  text: {fg: black}
  muted: {fg: 244}
  accent: {fg: blue, bold: true}
  selection: {fg: white, bg: blue}
  border: {fg: 250}
  error: {fg: red, bold: true}
  warning: {fg: 130}
  success: {fg: 28}
  json-key: {fg: blue}
  json-string: {fg: 28}
  json-number: {fg: magenta}
  json-bool: {fg: 130}
  json-null: {fg: 244}
"""#,
    ]
}
