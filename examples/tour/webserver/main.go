// Command webserver is the tour's container process. In the dev cluster a
// container's command runs on this machine and pod port N is
// 127.0.0.1:N, so the tour's pods serve HTTP with it.
//
//	webserver -free-port     print a free loopback port and exit
//	webserver -port N        serve "hello from <pod>" on 127.0.0.1:N
//
// When the port is taken (a second replica on the same machine), it says
// so and idles, as a pod would whose port is in use elsewhere.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	port := flag.Int("port", 8080, "port to serve on")
	free := flag.Bool("free-port", false, "print a free port and exit")
	flag.Parse()
	if *free {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		return
	}
	host, _ := os.Hostname()
	if h := os.Getenv("HOSTNAME"); h != "" {
		host = h
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Printf("%s: port %d is busy, idling\n", host, *port)
		for {
			time.Sleep(time.Hour)
		}
	}
	fmt.Printf("%s: serving on port %d\n", host, *port)
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s\n", host)
	})))
}
