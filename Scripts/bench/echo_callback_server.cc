// The strongest C++ reference of Scripts/bench-rpc.sh: gRPC's callback API (the library's own
// event engine polls; each call is answered on the thread that read it, with no hand-off to a
// worker pool), answering bench.Echo/Get with a fixed payload of the given size and no other
// work. Usage: echo_callback_server PORT PAYLOAD_BYTES
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "echo.grpc.pb.h"

class EchoService final : public bench::Echo::CallbackService {
 public:
  explicit EchoService(size_t size) : payload_(size, 'x') {}
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* context, const bench::Request*,
                                bench::Reply* reply) override {
    reply->set_payload(payload_);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  std::string payload_;
};

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: echo_callback_server PORT PAYLOAD_BYTES\n";
    return 64;
  }
  EchoService service(static_cast<size_t>(std::atoi(argv[2])));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(std::string("127.0.0.1:") + argv[1], grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server(builder.BuildAndStart());
  std::cerr << "echo_callback_server listening on 127.0.0.1:" << argv[1] << std::endl;
  server->Wait();
  return 0;
}
