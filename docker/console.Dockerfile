# The fedorleans console, with the experiment specs. From the repository root:
#   docker build -f docker/console.Dockerfile -t fedorleans-console .
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Client -c Release -r linux-x64 --self-contained -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble
RUN apt-get update && apt-get install -y --no-install-recommends npm dpkg && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home fedorleans && mkdir -p /data /results && chown fedorleans /data /results
WORKDIR /home/fedorleans
COPY --from=build /app /app
COPY experiments ./experiments
USER 10001
ENV FEDORLEANS_DATA=/data
ENTRYPOINT ["/app/fedorleans"]
