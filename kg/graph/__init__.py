"""The graph: namespaces, the compiler and its cached parts, Turtle writing, exports."""
