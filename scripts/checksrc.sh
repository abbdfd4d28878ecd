#!/bin/sh
# checksrc.sh [TOP]: refuses the C functions attls does not use (unbounded
# copies, unchecked number parsing, non-reentrant tokenising) and C++-style
# comments.  An exception is marked on the line itself with
# "checksrc: allow <reason>".
set -u
top=${1:-.}
status=0
files=$(find "$top/src" "$top/tests" "$top/bench" "$top/include" -name '*.[ch]' 2>/dev/null)
[ -n "$files" ] || { echo "checksrc: no sources found under $top"; exit 1; }
banned='\<(strcpy|strcat|strncpy|sprintf|vsprintf|gets|strtok|atoi|atol|sscanf)[[:space:]]*\('
hits=$(grep -nE "$banned" $files | grep -v 'checksrc: allow')
if [ -n "$hits" ]; then
	echo "checksrc: banned functions (use the bounded helpers in src/common/):"
	echo "$hits"
	status=1
fi
# A // comment starts at line start or after whitespace; URLs inside strings
# ("http://") are not comments.
cpp=$(grep -nE '(^|[[:space:]])//' $files | grep -v '"[^"]*//[^"]*"' | grep -v 'checksrc: allow')
if [ -n "$cpp" ]; then
	echo "checksrc: use /* */ comments:"
	echo "$cpp"
	status=1
fi
n=$(echo "$files" | wc -l)
if [ $status -eq 0 ]; then echo "checksrc: $n files clean"; fi
exit $status
