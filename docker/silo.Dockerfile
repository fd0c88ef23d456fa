# The FedOrleans silo. Build from the repository root:
#   docker build -f docker/silo.Dockerfile -t fedorleans-silo .
# GPU image (no libtorch inside; it comes from a PyTorch-with-CUDA base image's torch/lib):
#   docker build -f docker/silo.Dockerfile --build-arg BACKEND=external --build-arg RUNTIME=pytorch/pytorch:2.11.0-cuda13.0-cudnn9-runtime -t fedorleans-silo:gpu .
ARG RUNTIME=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG BACKEND=cpu
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo -c Release -r linux-x64 --self-contained -p:TorchBackend=${BACKEND} -o /app

FROM ${RUNTIME}
WORKDIR /app
COPY --from=build /app .
# Ubuntu 24.04 (noble) has GLIBCXX_3.4.33, so libLibTorchSharp loads without the Debian 12 patch.
RUN useradd --uid 10001 --create-home fedorleans && mkdir -p /data && chown fedorleans /data
USER 10001
ENV FEDORLEANS_DATA=/data
EXPOSE 11111 30000 8080
ENTRYPOINT ["/app/FedOrleans.Silo"]
