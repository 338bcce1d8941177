# SPDX-License-Identifier: BSD-2-Clause
# cmake -DNM=... -DOBJCOPY=... -DMAP=csrattest.map -DARCHIVE=libcsrattest.a -P csra_prefix.cmake
#
# Renames every global symbol ARCHIVE defines that the version script MAP
# does not export (asn1c's runtime, internal helpers) to csra__<name>, in
# definitions and references alike, the way BoringSSL's symbol-prefix build
# does: a host that links its own asn1c runtime, or defines span_at, gets
# neither a clash nor a silent replacement of the library's own code.
file(STRINGS "${MAP}" _lines REGEX "^[ \t]+csra_[A-Za-z0-9_]+;")
set(_public "")
foreach(l IN LISTS _lines)
  string(REGEX REPLACE "^[ \t]+([A-Za-z0-9_]+);.*" "\\1" n "${l}")
  list(APPEND _public "${n}")
endforeach()
if(NOT _public)
  message(FATAL_ERROR "csra_prefix: no public symbols in ${MAP}")
endif()
execute_process(COMMAND "${NM}" -g --defined-only "${ARCHIVE}"
  OUTPUT_VARIABLE _out RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "csra_prefix: ${NM} failed on ${ARCHIVE}")
endif()
string(REGEX MATCHALL "[0-9a-fA-F]+ [A-Za-z] [A-Za-z_][A-Za-z0-9_.]*" _defs "${_out}")
set(_map "")
set(_seen "")
foreach(d IN LISTS _defs)
  string(REGEX REPLACE "^[0-9a-fA-F]+ ([A-Za-z]) (.*)$" "\\1;\\2" _p "${d}")
  list(GET _p 0 _type)
  list(GET _p 1 _name)
  if(_type MATCHES "^[UwvA]$" OR _name MATCHES "^csra__")
    continue()
  endif()
  list(FIND _public "${_name}" _i)
  list(FIND _seen "${_name}" _j)
  if(_i EQUAL -1 AND _j EQUAL -1)
    list(APPEND _seen "${_name}")
    string(APPEND _map "${_name} csra__${_name}\n")
  endif()
endforeach()
set(_redef "${ARCHIVE}.redefine")
file(WRITE "${_redef}" "${_map}")
execute_process(COMMAND "${OBJCOPY}" "--redefine-syms=${_redef}" "${ARCHIVE}" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "csra_prefix: ${OBJCOPY} failed on ${ARCHIVE}")
endif()
