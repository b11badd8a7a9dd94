#!/bin/sh
# The typed Linux session of linux-session.sh on four harts.
SMP=4 exec "$(dirname "$0")/linux-session.sh"
