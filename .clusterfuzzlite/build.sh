#!/bin/bash -eu
# SPDX-License-Identifier: BSD-2-Clause
# ClusterFuzzLite builds exactly what OSS-Fuzz does.
exec "$SRC/csrattest/oss-fuzz/build.sh"
