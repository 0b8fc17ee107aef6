package pipelinetest

import "io"

var eof = io.EOF
