// Minimal C++ gRPC server for Scripts/bench-rpc.sh: answers bench.Echo/Get with a fixed
// payload of the given size, doing no other work. Usage: echo_server PORT PAYLOAD_BYTES THREADS
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "echo.grpc.pb.h"

class EchoService final : public bench::Echo::Service {
 public:
  explicit EchoService(size_t size) : payload_(size, 'x') {}
  grpc::Status Get(grpc::ServerContext*, const bench::Request*, bench::Reply* reply) override {
    reply->set_payload(payload_);
    return grpc::Status::OK;
  }

 private:
  std::string payload_;
};

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: echo_server PORT PAYLOAD_BYTES THREADS\n";
    return 64;
  }
  EchoService service(static_cast<size_t>(std::atoi(argv[2])));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(std::string("127.0.0.1:") + argv[1], grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  grpc::ResourceQuota quota;
  quota.SetMaxThreads(std::atoi(argv[3]) + 2);
  builder.SetResourceQuota(quota);
  // One completion queue per core: the synchronous server's strongest setting.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, std::atoi(argv[3]));
  std::unique_ptr<grpc::Server> server(builder.BuildAndStart());
  std::cerr << "echo_server listening on 127.0.0.1:" << argv[1] << std::endl;
  server->Wait();
  return 0;
}
