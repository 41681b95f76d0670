package profiletest

import (
	"errors"

	"github.com/sgsim/sgsim/provider/read"
)

// ErrText is the text of a reader's error without its position: the
// vendor error's own text when err is a *read.Errors listing exactly one
// problem, err.Error() otherwise ("" for nil). Tables of error messages
// compare it; the positions have tests of their own.
func ErrText(err error) string {
	if err == nil {
		return ""
	}
	var re *read.Errors
	if errors.As(err, &re) && re.Len() == 1 {
		return re.List()[0].Err.Error()
	}
	return err.Error()
}
