#!/bin/sh
# The *_avx512.cc objects are compiled with -mavx512*; a weak (COMDAT) function
# they define outside their own namespaces (an inline function or a std::
# template instance, e.g. std::vector<double>::_M_default_append) is also
# defined by the baseline objects, and the linker keeps one copy. If that copy
# held AVX-512 code, AVX2-only CPUs would run it. This check fails when any
# weak function of those objects contains an EVEX instruction (opcode 0x62).
# Usage: check_avx512_weak.sh OBJECT...   (ctest passes the core's objects)
status=0
checked=0
# ctest hands the objects over as one ';'-separated argument.
for o in $(printf '%s\n' "$@" | tr ';' '\n'); do
  case "$o" in *_avx512.cc.o) ;; *) continue ;; esac
  checked=$((checked + 1))
  weak=$(nm --defined-only "$o" | awk '$2 == "W" { print $3 }')
  for sym in $weak; do
    if objdump -d --disassemble="$sym" "$o" 2>/dev/null |
        awk -F'\t' 'NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ && $2 ~ /^62 / { found = 1 } END { exit !found }'; then
      echo "EVEX code in weak symbol $sym of $o (would be shared with the baseline objects)"
      status=1
    fi
  done
done
if [ $checked -eq 0 ]; then
  echo "no *_avx512.cc.o object among the arguments"
  exit 1
fi
[ $status -eq 0 ] && echo "no AVX-512 code in weak symbols of the $checked avx512 objects"
exit $status
